using System.Text;

namespace Mandate.Core.Configuration;

/// <summary>How long a Unix socket path may be: sockaddr_un holds 108 bytes on Linux and 104 on macOS, terminator included.</summary>
public static class UnixSocketPath
{
    public const int MaxBytes = 103;

    public static bool Fits(string path) => Encoding.UTF8.GetByteCount(path) <= MaxBytes;
}
