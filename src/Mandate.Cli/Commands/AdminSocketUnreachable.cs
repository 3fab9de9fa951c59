using System.Net.Sockets;

namespace Mandate.Cli.Commands;

/// <summary>
/// The one line an admin command prints when it cannot connect to the broker's admin socket: what the socket error says
/// about the cause (no socket file, a file nothing serves, a socket this user may not use), and what to do about it.
/// </summary>
internal static class AdminSocketUnreachable
{
    public static string Message(string socket, SocketError error) => error switch
    {
        // EACCES: the socket is 0600 and belongs to the user the broker runs as.
        SocketError.AccessDenied =>
            $"permission denied on the broker's admin socket {socket}: only the user 'mandate serve' runs as may use it; run the command as that user. Nothing was done",
        // ENOENT: no broker has started with this configuration, or it stopped and removed its socket.
        SocketError.AddressNotAvailable =>
            $"no admin socket at {socket}: is 'mandate serve' running with this configuration (-c)? Nothing was done; run the command again once it is",
        // ECONNREFUSED: the file is there but no process serves it (a broker that was killed left it behind).
        SocketError.ConnectionRefused =>
            $"nothing answers on the broker's admin socket {socket}: the broker that made it is not running; start 'mandate serve' with this configuration. Nothing was done; run the command again once it is",
        _ =>
            $"cannot reach the broker's admin socket {socket} ({error}): is 'mandate serve' running with this configuration, as this user? Nothing was done; run the command again once it is",
    };
}
