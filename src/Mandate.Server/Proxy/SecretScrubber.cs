using System.Text;

namespace Mandate.Server.Proxy;

/// <summary>
/// Removes the injected secret from what goes back to the agent. Header values lose every occurrence; bodies
/// are masked byte for byte (same length, so Content-Length stays true) even across read boundaries.
/// </summary>
internal sealed class SecretScrubber
{
    public const string Redacted = "[redacted]";
    private readonly string? _secret;
    private readonly byte[] _secretBytes;

    public SecretScrubber(string? secret)
    {
        // Vaulted values are at least SecretVault.MinSecretBytes long (checked when set), so masking never hits ordinary text by chance.
        _secret = string.IsNullOrEmpty(secret) ? null : secret;
        _secretBytes = _secret is null ? [] : Encoding.UTF8.GetBytes(_secret);
    }

    public bool Active => _secret is not null;

    public string Header(string value) =>
        _secret is not null && value.Contains(_secret, StringComparison.Ordinal) ? value.Replace(_secret, Redacted, StringComparison.Ordinal) : value;

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/>, masking the secret; returns bytes copied. Throws <see cref="ProxyLimitException"/> past <paramref name="limit"/>.</summary>
    public async Task<long> CopyAsync(Stream source, Stream destination, long? limit, CancellationToken cancellationToken)
    {
        var keep = Math.Max(0, _secretBytes.Length - 1);
        var buffer = new byte[64 * 1024 + keep];
        var held = 0;
        long total = 0;
        while (true)
        {
            var read = await source.ReadAsync(buffer.AsMemory(held, buffer.Length - held), cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
            if (limit is { } max && total > max)
            {
                throw new ProxyLimitException($"the upstream response body is larger than proxy.max_response_body ({max} bytes)");
            }

            var filled = held + read;
            Mask(buffer.AsSpan(0, filled));

            // Hold back a possible partial secret at the end until the next read completes it.
            var emit = Active ? Math.Max(0, filled - keep) : filled;
            await destination.WriteAsync(buffer.AsMemory(0, emit), cancellationToken);
            held = filled - emit;
            buffer.AsSpan(emit, held).CopyTo(buffer);
        }

        await destination.WriteAsync(buffer.AsMemory(0, held), cancellationToken);
        return total;
    }

    private void Mask(Span<byte> data)
    {
        if (!Active)
        {
            return;
        }

        int at;
        var from = 0;
        while ((at = data[from..].IndexOf(_secretBytes)) >= 0)
        {
            data.Slice(from + at, _secretBytes.Length).Fill((byte)'*');
            from += at + _secretBytes.Length;
        }
    }
}
