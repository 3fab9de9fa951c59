using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mandate.Server.Tests.AuditStream;

/// <summary>
/// A real stream-socket listener (TCP on 127.0.0.1 or a Unix socket) that accepts every connection and collects the
/// lines it receives; it can stop (closing its connections, as a SIEM restarting does) and listen again on the same address.
/// </summary>
public sealed class LineListener : IAsyncDisposable
{
    private readonly EndPoint _endPoint;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentBag<Socket> _connections = [];
    private readonly ConcurrentBag<Task> _readers = [];
    private Socket? _listener;

    // While a TCP listener is down its port stays bound, not listening: a connection is still refused, but the port is
    // never free. A free loopback port in the ephemeral range can be picked as the source port of the broker's own
    // reconnect to it, and that socket connects to itself (TCP simultaneous open) and holds the port against Start.
    private Socket? _held;
    private Task _accepting = Task.CompletedTask;

    private LineListener(EndPoint endPoint, string address)
    {
        _endPoint = endPoint;
        Address = address;
    }

    /// <summary>The address as <c>audit.stream.socket</c> names it.</summary>
    public string Address { get; }

    /// <summary>Every whole line received so far, over all connections, in arrival order.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public int Connections => _connections.Count;

    /// <summary>A TCP listener on a free port of 127.0.0.1, listening unless <paramref name="listen"/> is false (refusing connections).</summary>
    public static LineListener Tcp(bool listen = true)
    {
        var held = BoundTcp(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)held.LocalEndPoint!).Port;
        var listener = new LineListener(new IPEndPoint(IPAddress.Loopback, port), $"tcp://127.0.0.1:{port}") { _held = held };
        if (listen)
        {
            listener.Start();
        }

        return listener;
    }

    /// <summary>A Unix socket listener at <paramref name="path"/>.</summary>
    public static LineListener Unix(string path)
    {
        var listener = new LineListener(new UnixDomainSocketEndPoint(path), "unix:" + path);
        listener.Start();
        return listener;
    }

    public void Start()
    {
        var socket = _held ?? Bound();
        _held = null;
        socket.Listen();
        _listener = socket;
        _accepting = AcceptAsync(socket);
    }

    private Socket Bound()
    {
        if (_endPoint is not UnixDomainSocketEndPoint unix)
        {
            return BoundTcp(_endPoint);
        }

        if (unix.ToString() is { } path && File.Exists(path))
        {
            File.Delete(path);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(unix);
        return socket;
    }

    private static Socket BoundTcp(EndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(endPoint);
        return socket;
    }

    /// <summary>Stops listening and closes every connection; a broker writing now finds the peer gone.</summary>
    public async Task StopAsync()
    {
        _listener?.Dispose();
        _listener = null;
        if (_endPoint is not UnixDomainSocketEndPoint)
        {
            _held = BoundTcp(_endPoint);
        }

        await _accepting;
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        await Task.WhenAll(_readers);
    }

    private async Task AcceptAsync(Socket listener)
    {
        try
        {
            while (true)
            {
                var connection = await listener.AcceptAsync();
                _connections.Add(connection);
                _readers.Add(ReadAsync(connection));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ReadAsync(Socket connection)
    {
        var pending = new StringBuilder();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await connection.ReceiveAsync(buffer)) > 0)
            {
                pending.Append(Encoding.UTF8.GetString(buffer, 0, read));
                var text = pending.ToString();
                var end = text.LastIndexOf('\n');
                if (end < 0)
                {
                    continue;
                }

                foreach (var line in text[..end].Split('\n'))
                {
                    _lines.Enqueue(line);
                }

                pending.Clear().Append(text[(end + 1)..]);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed by StopAsync; a partial line is not a line.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _held?.Dispose();
        _held = null;
    }
}
