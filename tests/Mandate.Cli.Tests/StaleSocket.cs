using System.Net.Sockets;

namespace Mandate.Cli.Tests;

/// <summary>The socket file a killed broker leaves behind: there, but nothing listens on it.</summary>
internal static class StaleSocket
{
    public static void LeaveAt(string path)
    {
        // .NET unlinks a bound socket's path when the socket is closed, so it is bound under another name and moved.
        var bound = path + ".bound";
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            socket.Bind(new UnixDomainSocketEndPoint(bound));
            File.Move(bound, path);
        }

        Assert.True(File.Exists(path), $"no stale socket at {path}");
    }
}
