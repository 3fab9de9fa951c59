using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mandate.Server.Tests.Harness;

/// <summary>
/// One HTTP/1.1 request written byte by byte to a TCP or Unix socket, for framing no HTTP client would
/// produce (broken chunked bodies). Reads the answer until the server closes the connection, bounded by a timeout.
/// </summary>
internal static class RawHttp
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static EndPoint Tcp(Uri address) => new IPEndPoint(IPAddress.Parse(address.Host), address.Port);

    public static EndPoint Unix(string path) => new UnixDomainSocketEndPoint(path);

    /// <param name="endpoint">A TCP address or a Unix socket path (<see cref="Tcp"/>, <see cref="Unix"/>).</param>
    /// <param name="head">Request line and headers, each ending in CRLF, without the blank line.</param>
    /// <param name="body">The bytes after the blank line, exactly as sent.</param>
    public static async Task<RawReply> SendAsync(EndPoint endpoint, string head, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        RawReply reply = new(0, "");
        for (var attempt = 0; attempt < 3 && reply.Status == 0; attempt++)
        {
            // A reset that lands before the answer is read discards it (the server closing on bytes it never read):
            // a transport race, not an answer, so the same bytes are sent again on a new connection.
            reply = await SendOnceAsync(endpoint, head, body);
        }

        return reply;
    }

    private static async Task<RawReply> SendOnceAsync(EndPoint endpoint, string head, byte[] body)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, endpoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, timeout.Token);
        // One write: bytes arriving after the server refused and closed would make it reset the connection,
        // which can discard its answer before it is read.
        byte[] request = [.. Encoding.ASCII.GetBytes(head + "Connection: close\r\n\r\n"), .. body];
        await socket.SendAsync(request.AsMemory(), SocketFlags.None, timeout.Token);

        using var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // The server answered, then reset a connection whose body it did not drain: the answer is what counts.
        }

        return RawReply.Parse(Encoding.UTF8.GetString(received.ToArray()));
    }
}

/// <summary>A raw answer: the status from its status line and the whole text (headers and body).</summary>
internal sealed record RawReply(int Status, string Text)
{
    public static RawReply Parse(string text)
    {
        var parts = text.Split(' ', 3);
        var status = parts.Length >= 2 && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : 0;
        return new RawReply(status, text);
    }

    public override string ToString() => Text.Length == 0 ? "(no answer: connection closed)" : Text;
}
