using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// An upstream on a raw socket at 127.0.0.1:0, for answers Kestrel would normalise or refuse to send (a 101, a
/// Content-Length on a 204, a transfer coding besides chunked): every connection gets <see cref="Answer"/>, byte for
/// byte, once its request head arrived, and is held open until the proxy closes it (or closed at once, when asked).
/// </summary>
internal sealed class RawUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private int _requests;

    private readonly bool _closeAfterAnswer;

    private RawUpstream(string answer, bool closeAfterAnswer)
    {
        Answer = answer;
        _closeAfterAnswer = closeAfterAnswer;
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The answer every request gets, as written on the wire.</summary>
    public string Answer { get; }

    /// <summary>Request heads that reached this upstream.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Answers every request with <paramref name="answer"/>; with <paramref name="closeAfterAnswer"/>, then closes the connection (a body that ends there).</summary>
    public static RawUpstream Start(string answer, bool closeAfterAnswer = false) => new(answer, closeAfterAnswer);

    public Uri Uri(string path) => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}");

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient socket;
            try
            {
                socket = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(socket));
        }
    }

    private async Task AnswerAsync(TcpClient socket)
    {
        using (socket)
        {
            try
            {
                await using var stream = socket.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[4096];
                int read;
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && (read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    head.Append(Encoding.Latin1.GetString(buffer, 0, read));
                }

                Interlocked.Increment(ref _requests);
                await stream.WriteAsync(Encoding.Latin1.GetBytes(Answer), _stop.Token);
                if (_closeAfterAnswer)
                {
                    return;
                }

                while (await stream.ReadAsync(buffer, _stop.Token) > 0)
                {
                    // Held open until the proxy lets go, as a live upstream connection would be.
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // The test is over or the proxy dropped the connection: nothing left to answer.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving;
        _stop.Dispose();
    }
}
