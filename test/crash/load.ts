/**
 * Clients that drive the real server as fast as they can: each opens a dossier and moves it to
 * delivery (ACCEPT, PROPOSE, APPROVE, DELIVER), then the next one. Every step the server
 * acknowledged (201/200 with the case in the body) is recorded as (case id, version); a
 * request that failed at the network level (the server was killed) is not.
 */

/** The demo users the clients act as. */
export interface Tokens {
  receiver: string;
  processor: string;
  leader: string;
}

/** A transition the server acknowledged. */
export interface Ack {
  caseId: string;
  version: number;
  event: string;
}

export interface Load {
  acks: Ack[];
  /** Answers that were neither a success nor a network failure (must stay empty). */
  unexpected: string[];
  /** Resolves once at least `n` transitions were acknowledged (or the load stopped). */
  reached(n: number): Promise<void>;
  /** Stops the clients and resolves when all have returned. */
  stop(): Promise<void>;
}

const DATA = {
  ho_ten: 'Nguyễn Văn An',
  ngay_sinh: '1990-05-12',
  so_dinh_danh: '001090000001',
  dia_chi_tam_tru: 'Số 12, phố Trần Phú, phường Thành Sen, tỉnh Hà Tĩnh',
  thoi_han_thang: 12,
  giay_to_cho_o: 'hop_dong_thue',
};

const STEPS: { as: keyof Tokens; type: string; input?: Record<string, unknown> }[] = [
  { as: 'receiver', type: 'ACCEPT' },
  { as: 'processor', type: 'PROPOSE', input: { cho_o_hop_phap: true } },
  { as: 'leader', type: 'APPROVE' },
  { as: 'receiver', type: 'DELIVER' },
];

/** Starts `clients` concurrent clients against http://127.0.0.1:`port`. */
export function startLoad(port: number, tokens: Tokens, clients: number): Load {
  const acks: Ack[] = [];
  const unexpected: string[] = [];
  const waiters: { n: number; wake: () => void }[] = [];
  let stopped = false;
  const base = `http://127.0.0.1:${port}/api/v1`;

  const ack = (a: Ack) => {
    acks.push(a);
    for (const w of waiters.filter((x) => acks.length >= x.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.wake();
    }
  };

  /** POSTs as `who`; the parsed body on success, null when the server is gone. */
  async function post(who: keyof Tokens, path: string, body: unknown, expected: number): Promise<Record<string, unknown> | null> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      text = await res.text();
    } catch {
      // Connection refused or reset: the server died; nothing was acknowledged.
      return null;
    }
    if (res.status !== expected) {
      unexpected.push(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
      return null;
    }
    return JSON.parse(text) as Record<string, unknown>;
  }

  async function client(): Promise<void> {
    while (!stopped) {
      const opened = await post('receiver', '/cases', { procedure: 'dang-ky-tam-tru', applicant: { name: 'Nguyễn Văn An' }, data: DATA }, 201);
      if (!opened) return;
      const id = opened.id as string;
      ack({ caseId: id, version: opened.version as number, event: 'case.opened' });
      for (const step of STEPS) {
        if (stopped) return;
        const r = await post(step.as, `/cases/${id}/events`, step.input ? { type: step.type, input: step.input } : { type: step.type }, 200);
        if (!r) return;
        ack({ caseId: id, version: (r.case as { version: number }).version, event: step.type });
      }
    }
  }

  const running = Promise.all(Array.from({ length: clients }, client)).finally(() => {
    stopped = true;
    for (const w of waiters.splice(0)) w.wake();
  });

  return {
    acks,
    unexpected,
    reached(n) {
      if (acks.length >= n || stopped) return Promise.resolve();
      return new Promise((wake) => waiters.push({ n, wake }));
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
