using System.Security.Cryptography;

namespace Chat.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class FileTests(WebFixture fixture)
{
    [SkippableFact]
    public async Task A_2_MB_file_uploads_with_a_progress_bar_and_downloads_byte_identical()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var aliceContext = await fixture.NewPersonAsync();
        await using var bobContext = await fixture.NewPersonAsync();
        var aliceName = People.NewName("alice");
        var bobName = People.NewName("bob");
        var alice = await People.SignUpAsync(aliceContext, aliceName);
        var bob = await People.SignUpAsync(bobContext, bobName);
        await People.StartChatAsync(alice, bobName);

        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "report.bin");
        var bytes = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        await File.WriteAllBytesAsync(path, bytes);
        // Every value the progress bars take, from the moment one is added.
        await alice.EvaluateAsync("""
            () => {
              window.progressSeen = [];
              const record = p => window.progressSeen.push(Number(p.getAttribute('value')));
              new MutationObserver(changes => {
                for (const change of changes) {
                  if (change.type === 'attributes') record(change.target);
                  for (const node of change.addedNodes) node.querySelectorAll?.('progress').forEach(record);
                }
              }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
            }
            """);
        var chooser = await alice.RunAndWaitForFileChooserAsync(() => alice.GetByRole(AriaRole.Button, new() { Name = "Attach file" }).ClickAsync());
        await chooser.SetFilesAsync(path);
        await Expect(alice.GetByRole(AriaRole.Log).GetByText("report.bin (2.0 MB)")).ToBeVisibleAsync();
        var progress = await alice.EvaluateAsync<int[]>("() => window.progressSeen");
        Assert.Equal(0, progress[0]);
        Assert.Equal(100, progress[^1]);
        Assert.Equal(progress.Order(), progress);

        await People.Conversation(bob, aliceName).ClickAsync();
        var link = bob.GetByRole(AriaRole.Link, new() { Name = "Download report.bin" });
        var download = await bob.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var saved = await download.PathAsync();
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)), Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(saved))));
    }
}
