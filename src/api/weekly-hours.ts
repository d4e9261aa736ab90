/**
 * Weekly opening intervals as one line, `mon-fri 09:00-18:00, sat 10:00-14:00`: days with the same times
 * joined into ranges, in `parseWeekly`'s format (`#domain/directory/hours-text.ts`), so the CLI can read
 * back what it prints. The CLI prints it and the console shows it; it imports nothing, so the console
 * bundles it without server code.
 */
export function weeklyLine(
  weekly: readonly { day: string; from: string; to: string }[],
  none: string,
): string {
  const week = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const timesOf = (day: string | undefined) =>
    weekly
      .filter((interval) => interval.day === day)
      .map(({ from, to }) => `${from}-${to}`)
      .sort()
      .join(' ');
  const items: string[] = [];
  for (let start = 0; start < week.length; ) {
    const times = timesOf(week[start]);
    let end = start;
    while (end + 1 < week.length && timesOf(week[end + 1]) === times) end++;
    if (times !== '') items.push(`${week[start]}${end > start ? `-${week[end]}` : ''} ${times}`);
    start = end + 1;
  }
  return items.length === 0 ? none : items.join(', ');
}
