using System.Globalization;
using System.Reflection;

namespace Mandate.Storage.Sqlite;

/// <summary>One embedded schema script, <c>Migrations/NNNN_name.sql</c>.</summary>
internal sealed record SqliteMigration(int Version, string Name, string Sql)
{
    private const string Folder = "Migrations/";

    /// <summary>The scripts compiled into this build, ordered by version.</summary>
    public static IReadOnlyList<SqliteMigration> Embedded { get; } = Load(typeof(SqliteMigration).Assembly);

    /// <summary>Highest version this build knows.</summary>
    public static int LatestVersion => Embedded[^1].Version;

    internal static IReadOnlyList<SqliteMigration> Load(Assembly assembly)
    {
        var migrations = new List<SqliteMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Folder, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = resource[Folder.Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(fileName[..separator], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' must be named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new SqliteMigration(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));

        // Versions 1..N with no holes: a hole would mean a script was lost from the build.
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"Migrations must be numbered 1, 2, 3… without gaps or repeats; found version {migrations[i].Version} at position {i + 1}.");
            }
        }

        if (migrations.Count == 0)
        {
            throw new InvalidOperationException("No migrations are embedded in the SQLite store assembly.");
        }

        return migrations;
    }
}
