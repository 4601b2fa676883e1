import { ExitCodes, OpsError } from '../cli/ops-error';
import { OpsKafka } from '../kafka/ops-kafka';
import { offsetsOf, partitionBoundsOf } from './partition-bounds';
import { ReplayPosition } from './replay-position';

export interface RewindCommand {
  group: string;
  /** Logical topic. */
  topic: string;
  from: ReplayPosition;
  partition?: number;
}

export interface RewoundPartition {
  partition: number;
  /** Committed offset before (null: the group had none). */
  committed: string | null;
  /** Committed offset after (unchanged when the group was already at or before it). */
  offset: string | null;
  /** Records the group will read again. */
  redeliver: number;
  note?: string;
}

export interface RewindResult {
  group: string;
  topic: string;
  partitions: RewoundPartition[];
  redeliver: number;
}

/** Group states in which no consumer is a member (kafkajs reports these for a stopped group). */
const STOPPED_STATES = ['Empty', 'Dead'];

/**
 * Moves a stopped consumer group back on a topic so it reads the records again. Only backwards:
 * a position after the committed offset is left alone, since moving there would skip records.
 * Refused while the group has members: their next commit would overwrite the move.
 */
export class RewindGroup {
  constructor(private readonly kafka: OpsKafka) {}

  async execute(command: RewindCommand): Promise<RewindResult> {
    const topic = this.kafka.physical(command.topic);
    await this.kafka.requireTopics([topic]);
    const admin = await this.kafka.admin();
    await this.requireStopped(command.group);

    const bounds = await partitionBoundsOf(this.kafka, topic, command.partition);
    const targets = await offsetsOf(this.kafka, topic, command.from, bounds);
    const [committedOffsets] = await admin.fetchOffsets({
      groupId: this.kafka.physicalGroup(command.group),
      topics: [topic],
    });
    const committedOf = new Map(
      committedOffsets.partitions.map((p) => [p.partition, BigInt(p.offset)]),
    );

    const moves: { partition: number; offset: string }[] = [];
    const partitions: RewoundPartition[] = bounds.map((b) => {
      const target = targets.get(b.partition)!;
      const committed = committedOf.get(b.partition) ?? -1n;
      if (committed < 0n) {
        return {
          partition: b.partition,
          committed: null,
          offset: null,
          redeliver: 0,
          note: 'no committed offset: the group will read it all anyway',
        };
      }
      if (target >= committed) {
        return {
          partition: b.partition,
          committed: String(committed),
          offset: String(committed),
          redeliver: 0,
          note: 'already at or before that position',
        };
      }
      moves.push({ partition: b.partition, offset: String(target) });
      return {
        partition: b.partition,
        committed: String(committed),
        offset: String(target),
        redeliver: Number(committed - target),
      };
    });
    if (moves.length > 0) {
      // The group must still be stopped now: a member that joined since would overwrite the move.
      await this.requireStopped(command.group);
      await admin.setOffsets({
        groupId: this.kafka.physicalGroup(command.group),
        topic,
        partitions: moves,
      });
    }
    return {
      group: command.group,
      topic: command.topic,
      partitions,
      redeliver: partitions.reduce((sum, p) => sum + p.redeliver, 0),
    };
  }

  private async requireStopped(group: string): Promise<void> {
    const admin = await this.kafka.admin();
    const { groups } = await admin.describeGroups([this.kafka.physicalGroup(group)]);
    const described = groups[0];
    if (described && !STOPPED_STATES.includes(described.state)) {
      const members = described.members.map((m) => `${m.clientId}@${m.clientHost}`).join(', ');
      throw new OpsError(
        `consumer group ${group} is live (state ${described.state}) with ${described.members.length} member(s): ${members || 'joining'}`,
        'stop the service first, or use --republish to re-publish the range for the live consumers',
        ExitCodes.Refused,
      );
    }
  }
}
