// Upload row number → CSV line number, for `handwire migrate`'s report: the server numbers rows
// by their position in the upload (offers.proto RowError.row), a user thinks in lines of the file.
//
// Row r sits on line r + offset, where offset grows by one for each line that was not sent (the
// header, a blank line, a malformed line). The offset only changes after such a line, so only
// those change points are kept — two integers per gap, not one per row: a million-row file with a
// header and no bad line needs a single entry.

export class RowLineMap {
  /** The first row of each run of rows sharing an offset, ascending. */
  private rows = new Int32Array(16);
  /** That run's line − row. */
  private offsets = new Int32Array(16);
  private size = 0;
  private lastRow = 0;

  /** Records that upload row `row` (1-based, each one larger than the last) came from `line`. */
  add(row: number, line: number): void {
    const offset = line - row;
    this.lastRow = row;
    if (this.size > 0 && this.offsets[this.size - 1] === offset) return;
    if (this.size === this.rows.length) {
      this.rows = grow(this.rows);
      this.offsets = grow(this.offsets);
    }
    this.rows[this.size] = row;
    this.offsets[this.size] = offset;
    this.size++;
  }

  /** The CSV line of upload row `row`, or undefined for a row never added. */
  lineOf(row: number): number | undefined {
    // The last run starting at or before `row` (binary search: runs are sorted by first row).
    let low = 0;
    let high = this.size - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.rows[middle]! <= row) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found < 0 || row > this.lastRow ? undefined : row + this.offsets[found]!;
  }

  /** Change points kept: what the map costs (8 bytes each). */
  get entries(): number {
    return this.size;
  }
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
