namespace Chat.EndToEnd.Tests;

/// <summary>
/// The four demos (demos/*, what `make demo` runs) against one embedded Host: each exits non-zero
/// when what it shows does not happen. The file demo uses 12 MB here instead of its 100 MB default
/// (DEMO_FILE_MB), still in parts (the fixture's threshold is 8 MiB).
/// </summary>
[Collection(DocsHostCollection.Name)]
public sealed class DemoTests(DocsHostFixture host)
{
    [Theory]
    [InlineData("basic-chat", "basic chat works")]
    [InlineData("cross-platform", "whatsapp and instagram: delivered, messenger: failed")]
    [InlineData("file-sharing", "bob has exactly the bytes alice uploaded")]
    [InlineData("offline-delivery", "offline delivery works")]
    public async Task Demo_runs_and_shows_what_it_narrates(string demo, string lastWords)
    {
        var (code, output) = await Script.RunAsync("bash", [Path.Combine(RepositoryRoot.Path, "demos", demo)],
            new Dictionary<string, string> { ["CHAT_URL"] = host.Url, ["DEMO_FILE_MB"] = "12" }, TimeSpan.FromSeconds(90));
        Assert.True(code == 0, $"demos/{demo} exited {code}:\n{output}");
        Assert.Contains(lastWords, output);
        if (demo == "file-sharing") Assert.Contains("Multipart: 3 parts", output);
    }
}
