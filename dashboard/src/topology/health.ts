import type { Health } from './model';

export interface NodeHealth {
  id: string;
  timeline: Health[];
}
