import type { Workload } from '../../api';
import { EventsTable } from '../../components/EventsTable';
import { HealthChart } from '../../components/HealthChart';
import { SignalsCharts } from '../../components/SignalsChart';
import { Empty } from '../../components/States';
import { TracesSection } from '../../components/TracesSection';
import type { Health } from '../../topology/model';
import { Current } from './listing';
import { PodsTable } from './PodsTable';
import { WorkloadEntriesTable } from './WorkloadEntriesTable';

/** A workload's drill-down: health, golden signals, its pods (a VM workload: its WorkloadEntries) and its events. */
export function WorkloadDetail({ workload, timeline, onBack }: { workload: Workload; timeline: Health[] | undefined; onBack: () => void }) {
  const selector = workload.labels.filter((l) => l.key === 'app' || l.key === 'version');
  return (
    <div className="detail" data-testid="workload-detail">
      <button type="button" className="back" onClick={onBack}>← Workloads</button>
      <h2>{workload.namespace}/{workload.name}{workload.vm && <span className="vm-badge" title="runs on virtual machines">VM</span>}</h2>
      <dl>
        <dt>Kind</dt><dd>{workload.kind}</dd>
        <dt>{workload.vm ? 'Machines' : 'Pods ready'}</dt><dd>{workload.vm ? workload.replicas : `${workload.readyReplicas}/${workload.replicas}`}</dd>
        <dt>Labels</dt><dd>{workload.labels.map((l) => `${l.key}=${l.value}`).join(', ')}</dd>
        <dt>Health</dt><dd><Current timeline={timeline} /></dd>
      </dl>
      {timeline ? <HealthChart timeline={timeline} title="Health, errors and P95 as served (30 min)" /> : <Empty>No traffic data for this workload.</Empty>}
      <SignalsCharts kind="WORKLOAD" namespace={workload.namespace} name={workload.name} />
      <h3>Traces</h3>
      <TracesSection namespace={workload.namespace} workload={workload.name}
        service={workload.labels.find((l) => l.key === 'app')?.value ?? workload.name} />
      {workload.vm ? (
        <>
          <h3>WorkloadEntries</h3>
          <WorkloadEntriesTable namespace={workload.namespace} workload={workload.name} />
        </>
      ) : (
        <>
          <h3>Pods</h3>
          <PodsTable namespace={workload.namespace} selector={selector.length ? selector : workload.labels} />
        </>
      )}
      <h3>Events</h3>
      <EventsTable namespace={workload.namespace} workload={workload.name} />
    </div>
  );
}
