using System.Globalization;
using System.Reflection;

namespace Mandate.Storage.Postgres;

/// <summary>One embedded schema script, <c>Migrations/NNNN_name.sql</c>.</summary>
internal sealed record PostgresMigration(int Version, string Name, string Sql)
{
    private const string Folder = "Migrations/";

    /// <summary>The scripts compiled into this build, in file-name order (which is version order).</summary>
    public static IReadOnlyList<PostgresMigration> Embedded { get; } = Load(typeof(PostgresMigration).Assembly);

    /// <summary>Highest version this build knows.</summary>
    public static int LatestVersion => Embedded[^1].Version;

    internal static IReadOnlyList<PostgresMigration> Load(Assembly assembly)
    {
        var migrations = new List<PostgresMigration>();
        foreach (var resource in assembly.GetManifestResourceNames().Order(StringComparer.Ordinal))
        {
            if (!resource.StartsWith(Folder, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = resource[Folder.Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator != 4 || !int.TryParse(fileName[..separator], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' must be named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new PostgresMigration(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        if (migrations.Count == 0)
        {
            throw new InvalidOperationException("No migrations are embedded in the PostgreSQL store assembly.");
        }

        // Versions 1..N with no holes: a hole would mean a script was lost from the build.
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"Migrations must be numbered 1, 2, 3… without gaps or repeats; found version {migrations[i].Version} at position {i + 1}.");
            }
        }

        return migrations;
    }
}
