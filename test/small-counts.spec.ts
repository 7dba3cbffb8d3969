import { suppressCount, suppressMedian, suppressTable } from '../src/insights/small-counts.js';

describe('small-count suppression of the network insight', () => {
  it('shows 0 and counts of 5 and more, suppresses 1 to 4', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 120].map(suppressCount)).toEqual([
      { value: 0, suppressed: false },
      { value: null, suppressed: true },
      { value: null, suppressed: true },
      { value: null, suppressed: true },
      { value: null, suppressed: true },
      { value: 5, suppressed: false },
      { value: 6, suppressed: false },
      { value: 120, suppressed: false },
    ]);
  });

  it('suppresses a median over 1 to 4 durations, shows it over 5 and more, and none over nothing', () => {
    expect(suppressMedian(4, 12.5)).toEqual({ hours: null, suppressed: true });
    expect(suppressMedian(1, 3)).toEqual({ hours: null, suppressed: true });
    expect(suppressMedian(5, 12.5)).toEqual({ hours: 12.5, suppressed: false });
    expect(suppressMedian(0, null)).toEqual({ hours: null, suppressed: false });
  });

  it('shows a table total only when no cell is suppressed, so that no suppressed cell is the total minus the others', () => {
    const open = suppressTable([{ agency: 'a', count: 7 }, { agency: 'b', count: 5 }, { agency: 'c', count: 0 }]);
    expect(open.total).toEqual({ value: 12, suppressed: false });
    expect(open.cells.map((c) => [c.agency, c.count.value])).toEqual([['a', 7], ['b', 5], ['c', 0]]);

    const withSmallCell = suppressTable([{ agency: 'a', count: 7 }, { agency: 'b', count: 2 }]);
    expect(withSmallCell.total).toEqual({ value: null, suppressed: true });
    expect(withSmallCell.cells).toEqual([
      { agency: 'a', count: { value: 7, suppressed: false } },
      { agency: 'b', count: { value: null, suppressed: true } },
    ]);
  });

  it('suppresses a small total of a table without cells above zero, and shows an empty table as 0', () => {
    expect(suppressTable([{ count: 0 }, { count: 0 }]).total).toEqual({ value: 0, suppressed: false });
    expect(suppressTable([]).total).toEqual({ value: 0, suppressed: false });
    expect(suppressTable([{ count: 3 }, { count: 0 }]).total).toEqual({ value: null, suppressed: true });
  });
});
