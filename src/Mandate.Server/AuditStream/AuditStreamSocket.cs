using System.Net.Sockets;
using Mandate.Core.Audit.Streaming;

namespace Mandate.Server.AuditStream;

/// <summary>
/// The stream's socket (Unix or TCP): connected on first use and again after any failure. Plain stream sockets have no
/// acknowledgement, so a connection the peer closed is noticed before writing (its end-of-stream is waiting), and lines
/// written into a connection that breaks without a close can be lost; a file tailed by a shipper has no such gap.
/// </summary>
internal sealed class AuditStreamSocket : IAuditStreamDestination
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(30);

    private readonly AuditStreamDestination _destination;
    private readonly TimeProvider _time;
    private Socket? _socket;

    public AuditStreamSocket(AuditStreamDestination destination, TimeProvider time)
    {
        _destination = destination;
        _time = time;
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken)
    {
        if (_socket is { } open && PeerClosed(open))
        {
            Close();
        }

        try
        {
            var socket = _socket ?? await ConnectAsync(cancellationToken);
            using var timeout = new CancellationTokenSource(WriteTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            while (!lines.IsEmpty)
            {
                lines = lines[await socket.SendAsync(lines, SocketFlags.None, linked.Token)..];
            }
        }
        catch (SocketException e)
        {
            Close();
            throw new IOException($"{_destination}: {e.SocketErrorCode}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            Close();
            throw new IOException($"{_destination}: timed out", e);
        }
    }

    private async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = _destination.Kind == AuditStreamDestinationKind.UnixSocket
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(ConnectTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            if (_destination.Kind == AuditStreamDestinationKind.UnixSocket)
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(_destination.Address), linked.Token);
            }
            else
            {
                await socket.ConnectAsync(_destination.Address, _destination.Port, linked.Token);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        return socket;
    }

    /// <summary>True when the peer's end-of-stream (or a reset) is waiting: readable with nothing to read.</summary>
    private static bool PeerClosed(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void Dispose() => Close();
}
