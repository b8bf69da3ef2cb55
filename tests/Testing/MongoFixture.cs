using Testcontainers.MongoDb;
using Xunit;

namespace Chat.Testing;

/// <summary>A one-node MongoDB replica set (transactions need one) under Testcontainers, where Docker exists.</summary>
public sealed class MongoFixture : IAsyncLifetime
{
    private MongoDbContainer? _container;

    /// <summary>Null where there is no Docker engine: tests that need it skip with <see cref="TestServers.NoDocker"/>.</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>Settings for the MongoDB adapters (<c>Store:Kind=mongo</c>) on a database of the caller's own.</summary>
    public Dictionary<string, string?> NewDatabase() => new()
    {
        ["Store:Kind"] = "mongo", ["Mongo:ConnectionString"] = ConnectionString, ["Mongo:Database"] = "chat_" + Guid.NewGuid().ToString("N"),
    };

    public async Task InitializeAsync()
    {
        if (!TestServers.DockerAvailable) return;
        _container = new MongoDbBuilder("mongo:7.0").WithReplicaSet("rs0").Build();
        await _container.StartAsync();
        ConnectionString = _container.GetConnectionString();
    }

    public async Task DisposeAsync()
    {
        if (_container is not null) await _container.DisposeAsync();
    }
}
