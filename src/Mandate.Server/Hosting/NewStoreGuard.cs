using Mandate.Core.Configuration;

namespace Mandate.Server.Hosting;

/// <summary>
/// Refuses to start over an empty store where a store evidently existed. A broker whose database was
/// deleted or moved would otherwise create a new one on start: a new audit chain that verifies as intact,
/// new signing keys, and every revocation forgotten — without anyone having asked for that.
/// </summary>
internal static class NewStoreGuard
{
    /// <summary>The environment variable that, set to <c>1</c> or <c>true</c>, does what <c>--init-new-store</c> does.</summary>
    public const string EnvironmentVariable = "MANDATE_INIT_NEW_STORE";

    /// <exception cref="MandateConfigException">The store is missing but its data directory holds state from a previous store.</exception>
    public static void Check(MandateOptions options, MandateHostOptions host)
    {
        // A PostgreSQL store is not a file in the data directory: its schema's migrations say whether it is new.
        if (options.Postgres is not null || File.Exists(options.StorePath) || host.InitNewStore || IsSet(host.GetEnvironment(EnvironmentVariable)))
        {
            return;
        }

        var leftovers = new List<string>();
        if (options.Keys.KekFile is { } kek && File.Exists(kek))
        {
            leftovers.Add($"the key-encryption key {kek}");
        }

        foreach (var sidecar in new[] { options.StorePath + "-wal", options.StorePath + "-shm", options.StorePath + "-journal" })
        {
            if (File.Exists(sidecar))
            {
                leftovers.Add($"the store's {sidecar}");
            }
        }

        if (leftovers.Count == 0)
        {
            return;
        }

        throw new MandateConfigException(
            $"no store at {options.StorePath}, but {string.Join(" and ", leftovers)} from an earlier store "
            + $"{(leftovers.Count == 1 ? "is" : "are")} there: the store was deleted or moved. Put it back (or restore a backup, or fix 'store:' in the "
            + "configuration); to start over with an empty store (new audit chain and signing keys, earlier revocations gone), "
            + $"run 'mandate serve --init-new-store' or set {EnvironmentVariable}=1.");
    }

    private static bool IsSet(string? value) =>
        value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
}
