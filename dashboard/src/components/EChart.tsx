import { useEffect, useRef } from 'react';
import { echarts } from './echarts';

/**
 * An ECharts chart drawn as SVG into a div, redrawn whenever `option` changes (memoize it). The
 * one place charts are created and disposed.
 */
export function EChart({ option, className, testId, points }: { option: Record<string, unknown>; className: string; testId: string; points?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.setOption(option);
    return () => chart.dispose();
  }, [option]);
  return <div className={className} data-testid={testId} data-points={points} ref={ref} />;
}
