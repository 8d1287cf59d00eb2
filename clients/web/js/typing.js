// "X is typing…": who typed recently, per room. Each typing event holds a name for a few
// seconds; a message from that person ends it at once.
import { typingText } from './view.js';

const SHOW_MS = 3500;

export class TypingIndicator {
  /** @param {HTMLElement} el @param {() => string | null} currentRoom */
  constructor(el, currentRoom) {
    this.el = el;
    this.currentRoom = currentRoom;
    /** room -> (name -> timer) */
    this.rooms = new Map();
  }

  seen(room, name) {
    let timers = this.rooms.get(room);
    if (!timers) this.rooms.set(room, (timers = new Map()));
    clearTimeout(timers.get(name));
    timers.set(name, setTimeout(() => this.stop(room, name), SHOW_MS));
    if (room === this.currentRoom()) this.render();
  }

  stop(room, name) {
    const timers = this.rooms.get(room);
    if (!timers || !timers.has(name)) return;
    clearTimeout(timers.get(name));
    timers.delete(name);
    if (room === this.currentRoom()) this.render();
  }

  render() {
    this.el.textContent = typingText([...(this.rooms.get(this.currentRoom())?.keys() ?? [])]);
  }
}
