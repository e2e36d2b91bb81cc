// The seed's main menu, in its order; each entry carries its page (loaded when first opened).

import { lazy, type ComponentType } from 'react';
import type { Params } from './urlState';

export interface PageProps {
  params: Params;
  setParams: (p: Params) => void;
}

export interface MenuItem {
  id: string;
  label: string;
  page: ComponentType<PageProps>;
}

const page = (load: () => Promise<ComponentType<PageProps>>) => lazy(async () => ({ default: await load() }));

export const MENU: MenuItem[] = [
  { id: 'overview', label: 'Overview', page: page(() => import('./pages/Overview').then((m) => m.Overview)) },
  { id: 'mesh', label: 'Mesh', page: page(() => import('./pages/Mesh').then((m) => m.Mesh)) },
  { id: 'topology', label: 'Topology', page: page(() => import('./pages/Topology').then((m) => m.Topology)) },
  { id: 'services', label: 'Services', page: page(() => import('./pages/services').then((m) => m.Services)) },
  { id: 'workloads', label: 'Workloads', page: page(() => import('./pages/services').then((m) => m.Workloads)) },
  { id: 'gateways', label: 'Gateways', page: page(() => import('./pages/Gateways').then((m) => m.Gateways)) },
  { id: 'tap', label: 'Traffic tap', page: page(() => import('./pages/Tap').then((m) => m.Tap)) },
  { id: 'istio-resources', label: 'Istio resources', page: page(() => import('./pages/IstioResources').then((m) => m.IstioResources)) },
];

/** Maps a location hash such as "#/topology?ns=x" to a menu id; unknown routes fall back to overview. */
export function pageFromHash(hash: string): string {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return MENU.some((m) => m.id === id) ? id : 'overview';
}
