/// Go's `sort.SliceStable`: insertion sort on blocks of 20, then in-place SymMerge (Kim & Kutzner) of ever
/// larger blocks.
///
/// kube-proxy's test normalisation sorts with a less-function that is not a strict weak order (it answers
/// false whenever either rule lacks a comment), so the result depends on the algorithm; reproducing Go's gives
/// the same order the Go tests get.
enum GoStableSort {
    static func sort<Element>(_ elements: inout [Element], by less: (Element, Element) -> Bool) {
        withoutActuallyEscaping(less) { escapable in
            var sorter = Sorter(elements: elements, less: escapable)
            sorter.run()
            elements = sorter.elements
        }
    }

    private struct Sorter<Element> {
        var elements: [Element]
        let less: (Element, Element) -> Bool

        func isLess(_ i: Int, _ j: Int) -> Bool { less(elements[i], elements[j]) }

        mutating func run() {
            let count = elements.count
            var blockSize = 20
            var start = 0
            var end = blockSize
            while end <= count {
                insertionSort(start, end)
                start = end
                end += blockSize
            }
            insertionSort(start, count)
            while blockSize < count {
                start = 0
                end = 2 * blockSize
                while end <= count {
                    symMerge(start, start + blockSize, end)
                    start = end
                    end += 2 * blockSize
                }
                if start + blockSize < count { symMerge(start, start + blockSize, count) }
                blockSize *= 2
            }
        }

        mutating func insertionSort(_ start: Int, _ end: Int) {
            guard end - start > 1 else { return }
            for i in (start + 1)..<end {
                var j = i
                while j > start, isLess(j, j - 1) {
                    elements.swapAt(j, j - 1)
                    j -= 1
                }
            }
        }

        /// Merges the sorted runs `[a, m)` and `[m, b)`.
        mutating func symMerge(_ a: Int, _ m: Int, _ b: Int) {
            if m - a == 1 {
                var low = m
                var high = b
                while low < high {
                    let half = (low + high) / 2
                    if isLess(half, a) { low = half + 1 } else { high = half }
                }
                var k = a
                while k < low - 1 {
                    elements.swapAt(k, k + 1)
                    k += 1
                }
                return
            }
            if b - m == 1 {
                var low = a
                var high = m
                while low < high {
                    let half = (low + high) / 2
                    if !isLess(m, half) { low = half + 1 } else { high = half }
                }
                var k = m
                while k > low {
                    elements.swapAt(k, k - 1)
                    k -= 1
                }
                return
            }
            let mid = (a + b) / 2
            let n = mid + m
            var start: Int
            var r: Int
            if m > mid {
                start = n - b
                r = mid
            } else {
                start = a
                r = m
            }
            let p = n - 1
            while start < r {
                let c = (start + r) / 2
                if !isLess(p - c, c) { start = c + 1 } else { r = c }
            }
            let end = n - start
            if start < m, m < end { rotate(start, m, end) }
            if a < start, start < mid { symMerge(a, start, mid) }
            if mid < end, end < b { symMerge(mid, end, b) }
        }

        /// Exchanges the blocks `[a, m)` and `[m, b)`.
        mutating func rotate(_ a: Int, _ m: Int, _ b: Int) {
            var i = m - a
            var j = b - m
            while i != j {
                if i > j {
                    swapRange(m - i, m, j)
                    i -= j
                } else {
                    swapRange(m - i, m + j - i, i)
                    j -= i
                }
            }
            swapRange(m - i, m, i)
        }

        mutating func swapRange(_ a: Int, _ b: Int, _ count: Int) {
            for offset in 0..<count { elements.swapAt(a + offset, b + offset) }
        }
    }
}
