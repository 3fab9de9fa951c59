using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mandate.Server.Tests.Harness;

/// <summary>Raw TCP connections to a listener, for what no HTTP client does: hold a connection, stall mid-request.</summary>
internal static class RawSockets
{
    /// <summary>How long any one wait for the server may take.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static async Task<Socket> ConnectAsync(Uri address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(Bound);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(address.Host), address.Port), timeout.Token);
        return socket;
    }

    public static async Task SendAsync(Socket socket, string text) =>
        await socket.SendAsync(Encoding.ASCII.GetBytes(text).AsMemory(), SocketFlags.None);

    /// <summary>Sends a keep-alive GET of <paramref name="path"/> and reads until an answer's status line arrived; empty if the server closed first.</summary>
    public static async Task<string> GetAsync(Socket socket, string path)
    {
        await SendAsync(socket, $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        using var timeout = new CancellationTokenSource(Bound);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal)
                && (read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            // Closed with a reset: what was read so far is the answer.
        }

        return received.ToString();
    }

    /// <summary>Everything the server sends until it closes the connection; fails if it is still open after <paramref name="bound"/> (default <see cref="Bound"/>).</summary>
    public static async Task<string> ReadUntilClosedAsync(Socket socket, TimeSpan? bound = null)
    {
        using var timeout = new CancellationTokenSource(bound ?? Bound);
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            // Closed with a reset after the answer: the answer read so far is what counts.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}
