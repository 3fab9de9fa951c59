using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Audit.Checkpoints;

/// <summary>A checkpoint file read whole, every line verified; or the first line that did not verify, named.</summary>
public sealed record AuditCheckpointFile(IReadOnlyList<AuditCheckpoint> Checkpoints, string? Refusal)
{
    /// <summary>
    /// Reads <paramref name="path"/> and verifies each line's signature against <paramref name="keys"/> and its
    /// <c>iss</c> against <paramref name="issuer"/> (the broker's <c>issuer</c>; null checks no issuer): one forged,
    /// edited, malformed or foreign line refuses the whole file, since whoever wrote it may have written others.
    /// </summary>
    public static async Task<AuditCheckpointFile> ReadAsync(string path, IReadOnlyDictionary<string, JsonWebKey> keys, string? issuer, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return new([], $"no checkpoint file at {path}");
        }

        var checkpoints = new List<AuditCheckpoint>();
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            number++;
            var reading = await AuditCheckpoint.VerifyAsync(line, keys, issuer);
            if (reading.Refusal is { } refusal)
            {
                return new([], $"{path} line {number}: {refusal}");
            }

            checkpoints.Add(reading.Checkpoint!);
        }

        return checkpoints.Count == 0 ? new([], $"{path} holds no checkpoint") : new(checkpoints, null);
    }
}
