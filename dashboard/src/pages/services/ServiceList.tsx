import { api, type Service } from '../../api';
import { HealthStrip } from '../../components/HealthChart';
import { hashFor, listParam, type Params } from '../../urlState';
import { Current, ListPage, useListed } from './listing';
import { ServiceDetail } from './ServiceDetail';

/** MENU > SERVICES: services grouped by namespace with their 30-minute health; ?service= opens one. */
export function Services({ params, setParams }: { params: Params; setParams: (p: Params) => void }) {
  const namespaces = listParam(params.ns);
  const load = useListed<Service>('service', namespaces, api.services);
  if (params.service && namespaces.length === 1) {
    return <ServiceDetail namespace={namespaces[0]} name={params.service} onBack={() => setParams({ ns: params.ns })} />;
  }
  return (
    <ListPage what="service" params={params} setParams={setParams} namespaces={namespaces} load={load} text={(s) => s.name}
      table={(services, health) => (
        <table className="table" data-testid="services-table">
          <thead>
            <tr><th>Service</th><th>Ports</th><th>Health (30 min)</th><th>Now</th><th>RPS</th><th>Errors</th></tr>
          </thead>
          <tbody>
            {services.map((s) => {
              const timeline = health.get(`${s.namespace}/${s.name}`);
              const last = timeline?.[timeline.length - 1];
              return (
                <tr key={s.name} data-service={s.name}>
                  <td><a href={hashFor('services', { ns: s.namespace, service: s.name })}>{s.name}</a></td>
                  <td>{s.ports.join(', ')}</td>
                  <td>{timeline ? <HealthStrip timeline={timeline} /> : '–'}</td>
                  <td><Current timeline={timeline} /></td>
                  <td>{last ? last.requestsPerSecond.toFixed(2) : '–'}</td>
                  <td>{last ? `${(last.errorRatio * 100).toFixed(1)}%` : '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )} />
  );
}
