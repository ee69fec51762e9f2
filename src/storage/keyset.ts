import { type RawBuilder, type SqlBool, sql } from 'kysely';

type Tie = readonly [column: string, value: string];

/**
 * In a list ordered by `time` descending, then by each tie column ascending: the rows after the one
 * a cursor names by its time and tie values. The next page of every newest-first list.
 */
export function afterCursor(time: string, at: number, ties: readonly [Tie, ...Tie[]]): RawBuilder<SqlBool> {
  const later = ties.reduceRight<RawBuilder<SqlBool> | undefined>(
    (after, [column, value]) =>
      after
        ? sql<SqlBool>`(${sql.ref(column)} > ${value} or (${sql.ref(column)} = ${value} and ${after}))`
        : sql<SqlBool>`${sql.ref(column)} > ${value}`,
    undefined,
  );
  return sql<SqlBool>`(${sql.ref(time)} < ${at} or (${sql.ref(time)} = ${at} and ${later}))`;
}
