import { renderTable } from '../cli/table';
import { GroupLag } from './measure-lag';

export function renderLag(groups: GroupLag[]): string {
  return groups
    .map((g) => {
      const head = `${g.group} (${g.state}, ${g.members} member(s)): lag ${g.totalLag}`;
      if (g.partitions.length === 0)
        return `${head}\n  no committed offsets on the system's topics`;
      const table = renderTable(
        ['topic', 'partition', 'committed', 'high watermark', 'lag', 'lag (s)'],
        g.partitions.map((p) => [
          p.topic,
          String(p.partition),
          p.committed ?? '-',
          p.highWatermark,
          String(p.lag),
          String(p.lagSeconds),
        ]),
      );
      return `${head}\n${table}`;
    })
    .join('\n\n');
}
