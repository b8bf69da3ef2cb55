using System.Diagnostics;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// One Host for the demos (demos/*) and the guide's examples (docs/api-guide.md), with what they
/// need: the demos' admin, loopback webhook targets, and a multipart threshold low enough that the
/// file demo's smaller test file still goes up in parts.
/// </summary>
public sealed class DocsHostFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(new Dictionary<string, string?>
    {
        ["Auth:Admins:0"] = "demo-admin",
        ["Webhooks:AllowLoopbackTargets"] = "true",
        ["Files:MultipartThreshold"] = (8 << 20).ToString(), ["Files:PartSize"] = (5 << 20).ToString(),
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>The URL the scripts get as CHAT_URL (no trailing slash).</summary>
    public string Url => Server.BaseAddress.ToString().TrimEnd('/');
}

[CollectionDefinition(Name)]
public sealed class DocsHostCollection : ICollectionFixture<DocsHostFixture>
{
    public const string Name = "docs host";
}

/// <summary>Runs a program to its end with a deadline and the given environment; its output is stdout then stderr.</summary>
internal static class Script
{
    public static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string> environment, TimeSpan deadline)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"did not finish within {deadline.TotalSeconds} s:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
