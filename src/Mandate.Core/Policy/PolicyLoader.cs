using Mandate.Policy;

namespace Mandate.Core.Policy;

/// <summary>
/// Reads a policy file and parses it with <see cref="PolicyParser"/>. Reports an unreadable or oversized
/// file as a problem too, so a reload can keep the old policy and say why.
/// </summary>
public static class PolicyLoader
{
    // Read in chunks up to the cap instead of trusting the length: the file may grow while we read.
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Reads and parses a policy file. For startup; reloads use <see cref="LoadFileAsync(string, Mandate.Policy.PolicyToolCatalog?, CancellationToken)"/>.</summary>
    public static PolicyLoadResult LoadFile(string path, Mandate.Policy.PolicyToolCatalog? knownTools = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using var stream = OpenShared(path, FileOptions.None);
            var buffer = new MemoryStream();
            var chunk = new byte[ChunkBytes];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                if (buffer.Length + read > PolicyParser.MaxPolicyBytes)
                {
                    return TooLarge(path);
                }

                buffer.Write(chunk, 0, read);
            }

            return PolicyParser.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), path, knownTools);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable(path, e);
        }
    }

    /// <summary>Reads and parses a policy file without blocking a thread on I/O.</summary>
    public static Task<PolicyLoadResult> LoadFileAsync(string path, CancellationToken cancellationToken = default) =>
        LoadFileAsync(path, knownTools: null, cancellationToken);

    /// <summary>Reads and parses a policy file, refusing rules that name a tool outside <paramref name="knownTools"/> (when given).</summary>
    public static async Task<PolicyLoadResult> LoadFileAsync(string path, Mandate.Policy.PolicyToolCatalog? knownTools, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            await using var stream = OpenShared(path, FileOptions.Asynchronous);
            var buffer = new MemoryStream();
            var chunk = new byte[ChunkBytes];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > PolicyParser.MaxPolicyBytes)
                {
                    return TooLarge(path);
                }

                buffer.Write(chunk, 0, read);
            }

            return PolicyParser.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), path, knownTools);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable(path, e);
        }
    }

    // Editors and config-map updaters may hold the file open or replace it while we read.
    private static FileStream OpenShared(string path, FileOptions options) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, options);

    private static PolicyLoadResult TooLarge(string path) =>
        PolicyParser.Failed([new(string.Empty, 0, 0, $"the policy file is larger than {PolicyParser.MaxPolicyBytes} bytes")], version: null, path);

    private static PolicyLoadResult Unreadable(string path, Exception e) =>
        PolicyParser.Failed([new(string.Empty, 0, 0, $"cannot read the policy file: {e.Message}")], version: null, path);
}
