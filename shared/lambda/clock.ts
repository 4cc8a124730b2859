/** Milliseconds the clock runs ahead of (or behind) the system clock; only a replay of an old capture moves it. */
let offsetMs = 0;

/** The time every reaction judges event age and cooldowns by. */
export function currentTime(): Date {
  return new Date(Date.now() + offsetMs);
}

/** Judges the events of this process as if it were `at`: replaying a capture on purpose, never in a function. */
export function setCurrentTime(at: Date): void {
  offsetMs = at.getTime() - Date.now();
}
