import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import { postSignedJson } from '../coordination/signed-post.js';
import type { Logger } from '../logger.js';
import type { Notification } from './notification.js';

export type ChannelConfig = Config['notifications']['channels'][number];

export interface Channel {
  name: string;
  minSeverity: ChannelConfig['minSeverity'];
  /** One attempt; resolves with the HTTP status (null when not HTTP), throws on failure. */
  send(notification: Notification): Promise<number | null>;
  close(): void;
}

const ICON: Record<Notification['state'], string> = { problem: '🔴', resolved: '✅', flapping: '🟠', digest: '📋' };

/** A channel per configured entry: log, generic webhook, Slack-compatible webhook, or email over SMTP. */
export function createChannel(config: ChannelConfig, logger: Logger): Channel {
  const base = { name: config.name, minSeverity: config.minSeverity, close: () => undefined };
  switch (config.type) {
    case 'log': {
      const log = logger.child({ module: 'notifications', channel: config.name });
      return {
        ...base,
        async send(n) {
          // A resolved notice keeps its problem's severity for routing, but is good news in a log.
          const level = n.state === 'resolved' || n.state === 'digest' ? 'info' : n.severity === 'critical' ? 'error' : n.severity === 'warning' ? 'warn' : 'info';
          log[level]({ key: n.key, state: n.state, agent: n.agent, severity: n.severity }, `${n.title}: ${n.text}`);
          return null;
        },
      };
    }
    case 'webhook':
      return { ...base, send: (n) => postSignedJson(config.url, { event: 'notification', notification: n }, { event: 'notification', secret: config.secret }) };
    case 'slack':
      return {
        ...base,
        send: (n) =>
          postSignedJson(
            config.url,
            { text: `${ICON[n.state]} *${n.title}*\n${n.text}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `${ICON[n.state]} *${n.title}*\n${n.text}` } }] },
            { event: 'notification', secret: config.secret },
          ),
      };
    case 'email': {
      const transport = nodemailer.createTransport({
        host: config.host,
        port: config.port,
        secure: config.secure,
        auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      });
      return {
        ...base,
        async send(n) {
          await transport.sendMail({
            from: config.from,
            to: config.to,
            subject: `[meta-agent] [${n.severity}] ${n.title}`,
            text: `${n.text}\n\nstate: ${n.state}\nagent: ${n.agent ?? '-'}\nat: ${n.at}${n.link ? `\n${n.link}` : ''}\n`,
          });
          return null;
        },
        close: () => transport.close(),
      };
    }
  }
}
