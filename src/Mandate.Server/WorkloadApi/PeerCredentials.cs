using System.Net.Sockets;

namespace Mandate.Server.WorkloadApi;

/// <summary>The caller's kernel credentials on a Unix socket (Linux <c>SO_PEERCRED</c>: pid, uid, gid at connect time).</summary>
internal sealed record PeerCredentials(int Pid, uint Uid, uint Gid)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>Reads <c>struct ucred</c> from the socket; null with a reason when the platform cannot say.</summary>
    public static PeerCredentials? Read(Socket? socket, out string? failure)
    {
        failure = null;
        if (!OperatingSystem.IsLinux())
        {
            failure = "the workload endpoint attests callers with Linux SO_PEERCRED and is not available on this platform";
            return null;
        }

        if (socket is null || socket.AddressFamily != AddressFamily.Unix)
        {
            failure = "the connection is not a Unix domain socket, so the kernel cannot vouch for the caller";
            return null;
        }

        Span<byte> ucred = stackalloc byte[12];
        try
        {
            var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
            if (length != 12)
            {
                failure = "the kernel returned no peer credentials";
                return null;
            }
        }
        catch (SocketException e)
        {
            failure = $"reading peer credentials failed: {e.SocketErrorCode}";
            return null;
        }

        // struct ucred { pid_t pid; uid_t uid; gid_t gid; } in native byte order.
        var pid = BitConverter.ToInt32(ucred[..4]);
        if (pid <= 0)
        {
            failure = "the kernel reported no process for the caller (pid 0)";
            return null;
        }

        return new PeerCredentials(pid, BitConverter.ToUInt32(ucred[4..8]), BitConverter.ToUInt32(ucred[8..12]));
    }
}
