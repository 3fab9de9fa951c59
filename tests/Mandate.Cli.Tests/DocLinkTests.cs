namespace Mandate.Cli.Tests;

/// <summary>Every relative link and anchor in the README, the examples' READMEs and docs/ leads somewhere: a reader who follows one is never stranded.</summary>
public sealed class DocLinkTests
{
    /// <summary>The repository's root folder, where README.md and docs/ are.</summary>
    internal static readonly string Root = RepositoryRoot();

    [Fact]
    public void ReadmeAndDocs_EveryRelativeLinkAndAnchor_Resolves()
    {
        var broken = DocPages.All().SelectMany(f => MarkdownLinks.Broken(f, Root)).ToList();

        Assert.True(broken.Count == 0, "broken links:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void ReadmeAndDocs_EveryCodeBlock_IsClosedByABareFence()
    {
        // A closing fence followed by text is no fence (CommonMark §4.5): the rest of the page would render as code.
        var files = new[] { Path.Combine(Root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"));
        var unclosed = new List<string>();
        foreach (var file in files)
        {
            string? open = null;
            var number = 0;
            foreach (var line in File.ReadLines(file))
            {
                number++;
                var trimmed = line.TrimStart();
                if (open is null && trimmed.StartsWith("```", StringComparison.Ordinal))
                {
                    open = $"{Path.GetRelativePath(Root, file)}:{number}";
                }
                else if (open is not null && trimmed.TrimEnd() == "```")
                {
                    open = null;
                }
            }

            if (open is not null)
            {
                unclosed.Add(open);
            }
        }

        Assert.True(unclosed.Count == 0, "code blocks never closed, opened at:\n" + string.Join('\n', unclosed));
    }

    [Theory]
    [InlineData("The HTTP allow-list (`http:` in a policy rule)", "the-http-allow-list-http-in-a-policy-rule")]
    [InlineData("`spiffe`: Mandate as the SPIFFE issuer", "spiffe-mandate-as-the-spiffe-issuer")]
    [InlineData("Egress proxy overhead (`bench/proxy.sh`)", "egress-proxy-overhead-benchproxysh")]
    [InlineData("Human approval: CIBA-style poll", "human-approval-ciba-style-poll")]
    public void Slug_FollowsGitHubHeadingIds(string heading, string id) => Assert.Equal(id, MarkdownLinks.Slug(heading));

    [Fact]
    public void Checker_ReportsAMissingFileAndAMissingAnchor_ButNotLinksInCode()
    {
        var folder = Directory.CreateTempSubdirectory("mandate-links-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "other.md"), "# Title\n\n## Same\n\n## Same\n");
            var doc = Path.Combine(folder.FullName, "doc.md");
            File.WriteAllText(doc, """
                [ok](other.md#same-1) [ok too](#local) [web](https://example.com/x.md)
                [gone](missing.md) [bad anchor](other.md#nope)
                `[not a link](missing.md)`

                ```
                [not a link either](missing.md)
                ```

                ## Local
                """);

            var broken = MarkdownLinks.Broken(doc, folder.FullName).ToList();

            Assert.Equal(["doc.md:2: missing.md (no such file)", "doc.md:2: other.md#nope (no heading with id 'nope' in other.md)"], broken);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mandate.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Mandate.slnx above {AppContext.BaseDirectory}: run the tests from the repository");
    }
}
