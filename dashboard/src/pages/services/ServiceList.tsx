import { Empty, ErrorState, Loading } from '../../components/States';
import { HealthStrip } from '../../components/HealthChart';
import { NamespacePicker } from '../../components/NamespacePicker';
import { api, type Service } from '../../api';
import { filterOf } from '../../listFilter';
import { hashFor, listParam, type Params } from '../../urlState';
import { Current, FilterBar, shown, useListed } from './listing';
import { ServiceDetail } from './ServiceDetail';

export function Services({ params, setParams }: { params: Params; setParams: (p: Params) => void }) {
  const namespaces = listParam(params.ns);
  const load = useListed<Service>('service', namespaces, api.services);
  if (params.service && namespaces.length === 1) {
    return <ServiceDetail namespace={namespaces[0]} name={params.service} onBack={() => setParams({ ns: params.ns })} />;
  }
  return (
    <div className="list-page">
      <div className="toolbar">
        <NamespacePicker selected={namespaces} onChange={(ns) => setParams({ ...params, ns: ns.join(',') })} />
        <FilterBar params={params} setParams={setParams} what="services" />
      </div>
      {load.status === 'loading' && <Loading what="services" />}
      {load.status === 'error' && <ErrorState message={load.message} />}
      {load.status === 'ok' && load.data.warning && <div className="banner" role="alert">Health is partial: {load.data.warning}</div>}
      {load.status === 'ok' && load.data.items.length === 0 && <Empty>No services in {namespaces.join(', ') || 'the cluster'}.</Empty>}
      {load.status === 'ok' && load.data.items.length > 0 && shown(load.data.items, load.data.health, filterOf(params), (s) => s.name).length === 0 && (
        <Empty>No service matches the filter.</Empty>
      )}
      {load.status === 'ok' &&
        shown(load.data.items, load.data.health, filterOf(params), (s) => s.name).map(([ns, services]) => (
          <section key={ns} className="group">
            <h2>{ns}</h2>
            <table className="table" data-testid="services-table">
              <thead>
                <tr><th>Service</th><th>Ports</th><th>Health (30 min)</th><th>Now</th><th>RPS</th><th>Errors</th></tr>
              </thead>
              <tbody>
                {services.map((s) => {
                  const timeline = load.data.health.get(`${s.namespace}/${s.name}`);
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
          </section>
        ))}
    </div>
  );
}

