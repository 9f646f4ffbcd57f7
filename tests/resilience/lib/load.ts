import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../../shared/events';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** socket.io-client as a phone would use it: reconnects by itself with randomised backoff. */
export function connectParticipant(url: string, token: string): ClientSocket {
  return io(url, {
    path: '/socket.io',
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 2000,
    randomizationFactor: 0.5,
  });
}

async function emitAck<T>(socket: ClientSocket, event: string, payload: unknown, ms: number): Promise<Ack<T>> {
  const s = socket.timeout(ms) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<Ack<T>> };
  return s.emitWithAck(event, payload);
}

export interface Acked {
  questions: { clientId: string; id: number; participantId: number }[];
  votes: { questionId: number; participantId: number }[];
}

/**
 * One citizen under load: submits questions (each with a client id, retried
 * with the same id until acknowledged) and votes for questions others had
 * acknowledged. Only what the server acknowledged is recorded: that is what
 * must survive any crash.
 */
export class LoadClient {
  readonly socket: ClientSocket;
  private running = true;
  private loop: Promise<void> | null = null;
  private n = 0;
  sent = 0;
  errors = new Map<string, number>();

  constructor(
    url: string,
    token: string,
    readonly participantId: number,
    private readonly sessionId: number,
    private readonly acked: Acked,
    private readonly pauseMs = 20,
  ) {
    this.socket = connectParticipant(url, token);
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.socket.close();
  }

  private note(code: string) {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  private async until<T>(what: string, attempt: () => Promise<Ack<T>>): Promise<T | null> {
    while (this.running) {
      if (!this.socket.connected) {
        await sleep(50);
        continue;
      }
      this.sent++;
      try {
        const res = await attempt();
        if (res.ok) return res.data;
        this.note(`${what}:${res.error.code}`);
        // A refusal is final for votes (e.g. a question that left the queue).
        if (what === 'vote') return null;
      } catch {
        this.note(`${what}:timeout`); // the server died mid-request: retry, same client id
      }
      await sleep(100);
    }
    return null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const clientId = `p${this.participantId}-q${++this.n}`;
      const q = await this.until<{ id: number }>('submit', () =>
        emitAck(this.socket, 'question:submit', { sessionId: this.sessionId, text: `Câu hỏi ${clientId} về hạ tầng xã`, clientId }, 2000),
      );
      if (q) this.acked.questions.push({ clientId, id: q.id, participantId: this.participantId });
      const others = this.acked.questions.filter((x) => x.participantId !== this.participantId);
      if (others.length > 0 && this.running) {
        const target = others[Math.floor(Math.random() * others.length)]!;
        const v = await this.until<{ questionId: number; votes: number }>('vote', () =>
          emitAck(this.socket, 'question:vote', { questionId: target.id }, 2000),
        );
        if (v) this.acked.votes.push({ questionId: target.id, participantId: this.participantId });
      }
      await sleep(this.pauseMs);
    }
  }
}
