import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The user's terminal, for the questions a run asks (--step, vars_prompt, -K/-k): the controlling
/// terminal (/dev/tty), else stdin when it is a terminal. Without one there is nobody to ask, and
/// callers fall back to their non-interactive behaviour.
public final class Terminal {
    private let readFD: Int32
    private let writeFD: Int32
    private let owned: Bool
    private let lock = NSLock()

    private init(readFD: Int32, writeFD: Int32, owned: Bool) {
        self.readFD = readFD
        self.writeFD = writeFD
        self.owned = owned
    }

    deinit { if owned { Glibc.close(readFD) } }

    /// The terminal to ask on, or nil when the run has none.
    public static func open() -> Terminal? {
        let fd = Glibc.open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        if fd >= 0 { return Terminal(readFD: fd, writeFD: fd, owned: true) }
        if isatty(0) == 1 { return Terminal(readFD: 0, writeFD: isatty(2) == 1 ? 2 : 1, owned: false) }
        return nil
    }

    /// Shows `prompt` and reads one line (without its newline); nil at end of input. With
    /// `echo: false` the typed characters are not shown (passwords), as getpass does.
    public func ask(_ prompt: String, echo: Bool) -> String? {
        lock.lock()
        defer { lock.unlock() }
        var saved = termios()
        let haveAttrs = tcgetattr(readFD, &saved) == 0
        if !echo && haveAttrs {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            tcsetattr(readFD, TCSAFLUSH, &quiet)
        }
        defer { if !echo && haveAttrs { tcsetattr(readFD, TCSAFLUSH, &saved) } }
        write(prompt)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(readFD, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == 10 { break }
            bytes.append(byte)
        }
        if bytes.last == 13 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func write(_ text: String) {
        var data = Array(text.utf8)
        var off = 0
        while off < data.count {
            let n = data.withUnsafeMutableBytes { Glibc.write(writeFD, $0.baseAddress! + off, $0.count - off) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            off += n
        }
    }
}
