using System.IO.Pipelines;
using System.Text;
using Mandate.Server.Proxy;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// The relayed body: the secret is masked wherever the reads split it, only a possible start of the secret is
/// ever held back (so a Server-Sent Event goes out at once), and the size limit holds.
/// </summary>
public sealed class ScrubbedBodyStreamTests
{
    private const string Secret = "vendor_key_5f3a9c0d2e4b";
    private static readonly string Masked = new('*', Secret.Length);
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Read_SecretSplitAtEveryPossiblePoint_IsMaskedWhole()
    {
        for (var split = 1; split < Secret.Length; split++)
        {
            var relayed = await RelayAsync(["data: " + Secret[..split], Secret[split..] + " end"]);

            Assert.Equal("data: " + Masked + " end", relayed);
        }
    }

    [Fact]
    public async Task Read_RandomChunksAndSecrets_NothingLeaksAndNothingElseChanges()
    {
        var random = new Random(1234);
        for (var round = 0; round < 200; round++)
        {
            var plain = new StringBuilder();
            var expected = new StringBuilder();
            for (var part = random.Next(1, 8); part > 0; part--)
            {
                var filler = new string((char)('a' + random.Next(26)), random.Next(0, 40)) + Secret[..random.Next(0, Secret.Length)];
                plain.Append(filler).Append(Secret);
                expected.Append(filler).Append(Masked);
            }

            var text = plain.ToString();
            var chunks = new List<string>();
            for (var at = 0; at < text.Length;)
            {
                var size = Math.Min(random.Next(1, 30), text.Length - at);
                chunks.Add(text.Substring(at, size));
                at += size;
            }

            Assert.Equal(expected.ToString(), await RelayAsync(chunks));
        }
    }

    [Fact]
    public async Task Read_ChunkEndingInAStartOfTheSecret_HoldsOnlyThoseBytesUntilMoreArrives()
    {
        var pipe = new Pipe();
        await using var relay = Relay(pipe.Reader.AsStream());
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("data: hello " + Secret[..5]));

        Assert.Equal("data: hello ", await ReadAvailableAsync(relay).WaitAsync(Bounded));
        var next = ReadAvailableAsync(relay);
        Assert.False(next.IsCompleted);
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("is not it\n\n"));

        Assert.Equal(Secret[..5] + "is not it\n\n", await next.WaitAsync(Bounded));
    }

    [Fact]
    public async Task Read_EventEndingInABlankLine_IsHandedOnWholeWithoutWaitingForMore()
    {
        var pipe = new Pipe();
        await using var relay = Relay(pipe.Reader.AsStream());
        var sseEvent = "id: 3\ndata: " + Secret[..8] + " then " + Secret + "\n\n";

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(sseEvent));

        Assert.Equal(sseEvent.Replace(Secret, Masked, StringComparison.Ordinal), await ReadAvailableAsync(relay).WaitAsync(Bounded));
    }

    [Fact]
    public async Task Read_BodyEndsInAStartOfTheSecret_ReleasesItAtTheEnd()
    {
        Assert.Equal("ok " + Secret[..6], await RelayAsync(["ok ", Secret[..6]]));
    }

    [Theory]
    [InlineData(Secret)]
    [InlineData("sk+live/9a&b=c~d")] // ends in its JSON-escaped form: sk\u002Blive...
    public async Task Invariant8_BodyEndsInAStartOfTheSecret_MaskedOnceItIsHalfTheSecret(string secret)
    {
        var form = secret == Secret ? secret : System.Text.Json.JsonEncodedText.Encode(secret).ToString();
        for (var cut = 1; cut < form.Length; cut++)
        {
            var masked = cut >= SecretScrubber.MinCutBytes(form.Length);

            Assert.Equal("ok " + (masked ? new string('*', cut) : form[..cut]), await RelayAsync(["ok ", form[..cut]], secret));
        }
    }

    [Fact]
    public async Task Read_PastTheLimit_ThrowsTheResponseTooLargeRefusal()
    {
        await using var relay = new ScrubbedBodyStream(new MemoryStream(new byte[11]), new SecretScrubber(Secret), 10, new MemoryStream());

        var e = await Assert.ThrowsAsync<ProxyLimitException>(() => relay.CopyToAsync(Stream.Null));

        Assert.Equal((502, ProxyChecks.ResponseTooLarge), (e.Refusal.Status, e.Refusal.CheckId));
    }

    [Fact]
    public void PartialSecretAtEnd_LongestStartOfTheSecret_NeverTheWholeSecret()
    {
        var scrubber = new SecretScrubber(Secret);

        Assert.Equal(0, scrubber.PartialSecretAtEnd("no start here"u8));
        Assert.Equal(1, scrubber.PartialSecretAtEnd("ends in v"u8));
        Assert.Equal(7, scrubber.PartialSecretAtEnd("vendor vendor_"u8));
        Assert.Equal(Secret.Length - 1, scrubber.PartialSecretAtEnd(Encoding.UTF8.GetBytes("x" + Secret[..^1])));
        Assert.Equal(0, new SecretScrubber(null).PartialSecretAtEnd("vendor_"u8));
    }

    [Theory]
    [InlineData(@"sk\u002Blive/9a\u0026b=c~d")] // System.Text.Json's default escaping
    [InlineData(@"sk+live\/9a&b=c~d")] // '/' escaped, as many serialisers do
    [InlineData(@"sk\u002blive/9a\u0026b=c~d")] // System.Text.Json's escaping with lowercase hex
    [InlineData("sk%2Blive%2F9a%26b%3Dc~d")] // percent-encoded (RFC 3986 §2.1)
    [InlineData("sk%2blive%2f9a%26b%3dc~d")]
    public async Task Read_SecretEchoedJsonEscapedOrPercentEncoded_IsMaskedWhereverTheReadsSplitIt(string echoed)
    {
        const string secret = "sk+live/9a&b=c~d";
        var body = "{\"echo\":\"" + echoed + "\"}";
        var expected = body.Replace(echoed, new string('*', echoed.Length), StringComparison.Ordinal);
        for (var split = 1; split < body.Length; split++)
        {
            Assert.Equal(expected, await RelayAsync([body[..split], body[split..]], secret));
        }
    }

    [Fact]
    public void Header_SecretEchoedPercentEncoded_IsRedacted()
    {
        var scrubber = new SecretScrubber("sk+live/9a&b=c~d");

        Assert.Equal("https://x/cb?key=[redacted]", scrubber.Header("https://x/cb?key=sk%2Blive%2F9a%26b%3Dc~d"));
        Assert.Equal("plain sk-live", scrubber.Header("plain sk-live"));
    }

    private static ScrubbedBodyStream Relay(Stream source, string secret = Secret) => new(source, new SecretScrubber(secret), null, new MemoryStream());

    /// <summary>Relays <paramref name="chunks"/>, each arriving as its own read, and returns everything relayed.</summary>
    private static async Task<string> RelayAsync(IReadOnlyList<string> chunks, string secret = Secret)
    {
        await using var relay = Relay(new OneChunkPerRead(chunks.Select(Encoding.UTF8.GetBytes)), secret);
        var output = new MemoryStream();
        await relay.CopyToAsync(output).WaitAsync(Bounded);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    /// <summary>One read, as the forwarder's copy loop does it.</summary>
    private static async Task<string> ReadAvailableAsync(Stream relay)
    {
        var buffer = new byte[4096];
        var read = await relay.ReadAsync(buffer);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>A source that hands out exactly one of its chunks per read, so the tests choose where reads split.</summary>
    private sealed class OneChunkPerRead(IEnumerable<byte[]> chunks) : Stream
    {
        private readonly Queue<byte[]> _chunks = new(chunks);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty || !_chunks.TryDequeue(out var chunk))
            {
                return ValueTask.FromResult(0);
            }

            chunk.CopyTo(buffer);
            return ValueTask.FromResult(chunk.Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
