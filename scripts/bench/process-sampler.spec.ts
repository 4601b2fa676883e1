import { machineCpuOf } from './process-sampler';

describe("the machine's CPU from /proc/stat", () => {
  it('counts user, nice, system, irq, softirq and steal as busy, and tells the steal apart', () => {
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (ticks of 10 ms)
    const cpu = machineCpuOf('cpu  1000 20 300 9000 50 4 6 170 0 0');
    expect(cpu.busy).toBeCloseTo(15, 5);
    expect(cpu.steal).toBeCloseTo(1.7, 5);
  });

  it('reads a kernel without a steal column as none stolen', () => {
    expect(machineCpuOf('cpu  100 0 100 800 0 0 0')).toEqual({ busy: 2, steal: 0 });
  });
});
