import { api, useApi, type Workload } from '../../api';
import { HealthChart } from '../../components/HealthChart';
import { SignalsCharts } from '../../components/SignalsChart';
import { SloSection } from '../../components/SloSection';
import { Empty, ErrorState, Loading } from '../../components/States';
import { TrafficActions } from '../../components/TrafficActions';
import { TracesSection } from '../../components/TracesSection';
import { hashFor } from '../../urlState';
import { byKey, Current } from './listing';
import { PodsTable } from './PodsTable';

/** A service's drill-down: health, golden signals, traffic management, SLOs, the workloads it selects and their pods. */
export function ServiceDetail({ namespace, name, onBack }: { namespace: string; name: string; onBack: () => void }) {
  // Without health the rest of the page is still shown.
  const [load] = useApi(async () => {
    const [d, h] = await Promise.all([api.servicesAndWorkloads(namespace), api.health([namespace]).catch(() => null)]);
    const service = d.services.find((s) => s.name === name);
    const selects = (w: Workload) => !!service && service.selector.length > 0
      && service.selector.every((s) => w.labels.some((l) => l.key === s.key && l.value === s.value));
    return { service, workloads: d.workloads.filter(selects), timeline: h ? byKey(h.data.health, 'service').get(`${namespace}/${name}`) : undefined };
  }, [namespace, name], { keepWhileLoading: true });
  if (load.status === 'loading') return <Loading what={`service ${name}`} />;
  if (load.status === 'error') return <ErrorState message={load.message} />;
  const { service, workloads, timeline } = load.data;
  if (!service) return <Empty>There is no service {namespace}/{name}. <button type="button" onClick={onBack}>Back</button></Empty>;
  return (
    <div className="detail" data-testid="service-detail">
      <button type="button" className="back" onClick={onBack}>← Services</button>
      <h2>{namespace}/{service.name}</h2>
      <dl>
        <dt>Type</dt><dd>{service.type}</dd>
        <dt>Ports</dt><dd>{service.ports.join(', ')}</dd>
        <dt>Selector</dt><dd>{service.selector.map((l) => `${l.key}=${l.value}`).join(', ') || 'none'}</dd>
        <dt>Health</dt><dd><Current timeline={timeline} /></dd>
      </dl>
      {timeline ? <HealthChart timeline={timeline} title="Health, errors and P95 as clients see them (30 min)" /> : <Empty>No traffic data for this service.</Empty>}
      <SignalsCharts kind="SERVICE" namespace={namespace} name={service.name} />
      <h3>Traffic management</h3>
      <TrafficActions namespace={namespace} service={service.name}
        app={service.selector.find((l) => l.key === 'app')?.value ?? service.name} />
      <h3>Traces</h3>
      <TracesSection namespace={namespace} service={service.selector.find((l) => l.key === 'app')?.value ?? service.name} />
      <h3>Service level objectives</h3>
      <SloSection namespace={namespace} service={service.name} />
      <h3>Workloads</h3>
      {workloads.length === 0 ? <Empty>No workload matches the selector.</Empty> : (
        <ul>
          {workloads.map((w) => (
            <li key={w.name}><a href={hashFor('workloads', { ns: namespace, workload: w.name })}>{w.kind} {w.name}</a> ({w.readyReplicas}/{w.replicas} ready)</li>
          ))}
        </ul>
      )}
      <h3>Pods</h3>
      <PodsTable namespace={namespace} selector={service.selector} />
    </div>
  );
}

