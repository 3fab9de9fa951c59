using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>
/// JWKS from a local file, re-read when the file changes (so rollover needs no restart). The file is
/// checked at most once a second, and at once when a token names a kid the cached keys lack. A file
/// that cannot be read as a JWKS (say, caught half-written) keeps the last good keys.
/// </summary>
public sealed class FileJwksSource : IJwksSource
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);
    private readonly string _path;
    private readonly TimeProvider _time;
    private (DateTime WrittenAt, long Length, IReadOnlyList<SecurityKey> Keys)? _cache;
    private long _checkedAt = long.MinValue;

    public FileJwksSource(string path, TimeProvider? time = null)
    {
        _path = path;
        _time = time ?? TimeProvider.System;
    }

    public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
    {
        var ticks = _time.GetTimestamp();
        if (_cache is { } fresh && _time.GetElapsedTime(Volatile.Read(ref _checkedAt), ticks) < Recheck
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

        IReadOnlyList<SecurityKey> keys;
        try
        {
            keys = JwksParser.Parse(File.ReadAllText(_path), _path);
        }
        catch (Exception) when (cache is not null)
        {
            // A rollover writes the file while tokens arrive; until it parses, the previous keys still verify.
            return ValueTask.FromResult(cache.Value.Keys);
        }

        _cache = (info.LastWriteTimeUtc, info.Length, keys);
        return ValueTask.FromResult(keys);
    }
}
