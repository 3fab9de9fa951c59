using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>JWKS from a local file, re-read when the file changes (so rollover needs no restart).</summary>
public sealed class FileJwksSource : IJwksSource
{
    private readonly string _path;
    private (DateTime WrittenAt, long Length, IReadOnlyList<SecurityKey> Keys)? _cache;

    public FileJwksSource(string path) => _path = path;

    public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
    {
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
