namespace Chat.Testing;

public static class RepositoryRoot
{
    /// <summary>The checkout the tests run from: the first folder above the test binaries that holds Chat.sln.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Chat.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Chat.sln not found above the test binaries.");
    }
}
