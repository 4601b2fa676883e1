/**
 * Ops' own record of redriven dead letters (physical name: prefix + this). Compacted and keyed by
 * the dead-letter id: its latest marker per id says when it was redriven and where it went.
 */
export const REDRIVE_MARKER_TOPIC = 'ops.dlq-redrives.v1';

export interface RedriveMarker {
  deadLetterId: string;
  redrivenAt: string;
  /** Logical topic, partition and offset the record was re-published at. */
  topic: string;
  partition: number;
  offset: string;
  /**
   * Who redrove it (the audit record of the action): `cli:<OS user>` from the CLI, `<role>:<token
   * id>` from the console. Absent on markers written before it was recorded.
   */
  by?: string;
}
