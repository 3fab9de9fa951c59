using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>
/// JWKS from a local file, re-read when the file changes (so rollover needs no restart). The file is
/// checked at most once a second, and at once when a token names a kid the cached keys lack.
/// </summary>
public sealed class FileJwksSource : IJwksSource
{
    private const long RecheckMilliseconds = 1000;
    private readonly string _path;
    private (DateTime WrittenAt, long Length, IReadOnlyList<SecurityKey> Keys)? _cache;
    private long _checkedAt = long.MinValue;

    public FileJwksSource(string path) => _path = path;

    public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
    {
        var ticks = Environment.TickCount64;
        if (_cache is { } fresh && ticks - Volatile.Read(ref _checkedAt) < RecheckMilliseconds
            && (kid is null || fresh.Keys.Any(k => k.KeyId == kid)))
        {
            return ValueTask.FromResult(fresh.Keys);
        }

        Volatile.Write(ref _checkedAt, ticks);
        var info = new FileInfo(_path);
        if (!info.Exists)
        {
            return ValueTask.FromResult<IReadOnlyList<SecurityKey>>([]);
        }

        var cache = _cache;
        if (cache is { } c && c.WrittenAt == info.LastWriteTimeUtc && c.Length == info.Length)
        {
            return ValueTask.FromResult(c.Keys);
        }

        var keys = JwksParser.Parse(File.ReadAllText(_path), _path);
        _cache = (info.LastWriteTimeUtc, info.Length, keys);
        return ValueTask.FromResult(keys);
    }
}
