using System.Net;
using System.Security.Cryptography;

namespace Chat.EndToEnd.Tests;

/// <summary>Secret keys in the data directory are readable by their owner only (issue 14, point 6).</summary>
public sealed class KeyFileTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Token_and_file_url_signing_keys_are_0600_in_a_0700_directory()
    {
        if (OperatingSystem.IsWindows()) return; // no Unix modes there: the ACL of the data directory is the operator's
        // Signing up makes the token key; initiating an upload makes the file-URL key.
        var client = await fixture.Server.Client().SignUpAsync("keyowner");
        var bytes = "key modes"u8.ToArray();
        await ApiClient.ExpectAsync(await client.PostJsonAsync("/v1/files/initiate", new
        {
            filename = "a.txt", content_type = "text/plain", size = bytes.Length, sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
        }), HttpStatusCode.Created);

        var keys = Path.Combine(fixture.Server.DataDir, "keys");
        Assert.Equal(OwnerReadWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        var files = Directory.GetFiles(keys);
        Assert.Contains(files, f => Path.GetFileName(f) == "files-signing.key");
        Assert.Contains(files, f => Path.GetFileName(f).StartsWith("es256-", StringComparison.Ordinal));
        foreach (var file in files)
            Assert.True(File.GetUnixFileMode(file) == OwnerReadWrite, $"{Path.GetFileName(file)} is {File.GetUnixFileMode(file)}");
    }
}
