// MENU > SERVICES and MENU > WORKLOADS: the lists and their drill-downs.
export { Services } from './ServiceList';
export { Workloads } from './WorkloadList';
