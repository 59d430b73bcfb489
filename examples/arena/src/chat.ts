/**
 * The chat log both sides keep: lines in the host's order (each carries the host's sequence number),
 * each once, whether it arrived live or in the recent-chat answer a new player asks for.
 */
import { CHAT_HISTORY, type ChatLine } from './protocol.js';

/**
 * How a line is drawn. The host's own lines start with `*` and carry no name; a player's line always
 * starts with its name and a colon, and no name may start with `*`, so no player can pass for the host.
 */
export function formatChatLine(line: ChatLine): string {
  return line.kind === 'system' ? `* ${line.text}` : `${line.from}: ${line.text}`;
}

export class ChatLog {
  private readonly lines: ChatLine[] = [];

  /** Adds a line in sequence order; a line already held (same sequence number) is ignored. */
  add(line: ChatLine): void {
    let at = this.lines.length;
    while (at > 0 && this.lines[at - 1]!.seq > line.seq) at--;
    if (at > 0 && this.lines[at - 1]!.seq === line.seq) return;
    this.lines.splice(at, 0, line);
    if (this.lines.length > CHAT_HISTORY) this.lines.shift();
  }

  /** The lines held, oldest first. */
  all(): readonly ChatLine[] {
    return this.lines;
  }

  /** The lines as drawn. */
  text(): string[] {
    return this.lines.map(formatChatLine);
  }
}
