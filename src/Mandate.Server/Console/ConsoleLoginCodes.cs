using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Configuration;

namespace Mandate.Server.Console;

/// <summary>
/// One-time admin login links for local development (<c>mandate console login</c>): a random code, kept only as
/// its SHA-256 in this process, used once, expiring after <see cref="Lifetime"/>. Never issued in production.
/// </summary>
public sealed class ConsoleLoginCodes
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    public const string Path = "/login/one-time";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public ConsoleLoginCodes(MandateOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    /// <summary>The console's address once its listener is bound (used when <c>console.public_url</c> is not set).</summary>
    public Uri? ListenerAddress { get; set; }

    /// <summary>Where people reach the console: <c>console.public_url</c>, else the listener's address.</summary>
    public Uri ConsoleUrl => _options.Console.PublicUrl ?? ListenerAddress ?? throw new InvalidOperationException("the console listener is not bound");

    /// <summary>True when <c>environment</c> is prod or production: no one-time login there.</summary>
    public bool Refused => _options.Environment.Equals("prod", StringComparison.OrdinalIgnoreCase)
        || _options.Environment.Equals("production", StringComparison.OrdinalIgnoreCase);

    /// <summary>A new login URL and when it expires.</summary>
    public (Uri Url, DateTimeOffset ExpiresAt) Issue()
    {
        if (Refused)
        {
            throw new InvalidOperationException("one-time console login is refused in production");
        }

        var now = _time.GetUtcNow();
        foreach (var (hash, expires) in _pending)
        {
            if (expires <= now)
            {
                _pending.TryRemove(hash, out _);
            }
        }

        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var expiresAt = now + Lifetime;
        _pending[Hash(code)] = expiresAt;
        return (new Uri(ConsoleUrl, $"{Path}?code={code}"), expiresAt);
    }

    /// <summary>Whether <paramref name="code"/> is unused and unexpired (the confirmation page; does not use it).</summary>
    public bool IsUsable(string? code) =>
        code is { Length: > 0 } && _pending.TryGetValue(Hash(code), out var expires) && _time.GetUtcNow() < expires;

    /// <summary>Uses <paramref name="code"/>: true once, for an unexpired code; false ever after.</summary>
    public bool TryUse(string? code)
    {
        if (code is not { Length: > 0 } || !_pending.TryRemove(Hash(code), out var expires))
        {
            return false;
        }

        return _time.GetUtcNow() < expires;
    }

    /// <summary>A short, stable label for the session the code opened (not the code: it is a secret).</summary>
    internal static string Label(string code) => Hash(code)[..12];

    private static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
