using Chat.Shared.Http;

namespace Chat.Auth.Tests;

/// <summary>What every account store must do; one subclass per adapter.</summary>
public abstract partial class AccountStoreContract : IDisposable
{
    protected readonly TempDirectory Data = new();

    /// <summary>A time every adapter keeps exactly.</summary>
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The adapter's settings (none: SQLite under <see cref="Data"/>).</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    private IAccountStore OpenAccounts() => Stores.OpenAccountStore(Data.Path, Settings);

    private static User User(string name) => new(name, name, "hash", DateTimeOffset.UtcNow);

    [Fact]
    public async Task Of_20_concurrent_registrations_of_one_name_exactly_one_wins()
    {
        // Separate store instances, as separate processes would have.
        var stores = Enumerable.Range(0, 4).Select(_ => OpenAccounts()).ToList();
        var wins = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => stores[i % 4].TryCreateUserAsync(User("racer")))));
        Assert.Equal(1, wins.Count(w => w));
    }

    [Fact]
    public async Task Usernames_are_unique_regardless_of_case()
    {
        var store = OpenAccounts();
        Assert.True(await store.TryCreateUserAsync(User("zoe")));
        Assert.False(await store.TryCreateUserAsync(User("ZOE")));
        Assert.Equal("zoe", (await store.FindUserAsync("Zoe"))!.Username);
        Assert.Equal(["zoe"], await store.ExistingUsersAsync(["zoe", "nobody"]));
    }

    [Fact]
    public async Task A_user_reads_back_as_registered_and_an_unknown_name_is_no_one()
    {
        var store = OpenAccounts();
        var ann = new User("ann", "Ann Smith", "$2a$hash", At);
        Assert.True(await store.TryCreateUserAsync(ann));
        Assert.False(await store.TryCreateUserAsync(ann with { DisplayName = "Impostor", PasswordHash = "other" }));

        Assert.Equal(ann, await store.FindUserAsync("ann"));
        Assert.Null(await store.FindUserAsync("nobody"));
        Assert.Empty(await store.ExistingUsersAsync([]));
        Assert.Empty(await store.ExistingUsersAsync(["nobody", "no-one"]));
    }

    [Fact]
    public async Task A_refresh_token_is_used_once_even_by_racing_callers_and_families_can_be_revoked()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => OpenAccounts()).ToList();
        var token = new RefreshToken("hash-1", "family-1", "alice", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(30), Used: false);
        await stores[0].StoreRefreshTokenAsync(token);

        var uses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => stores[i % 4].UseRefreshTokenAsync("hash-1"))));
        Assert.Equal(1, uses.Count(u => u));
        Assert.True((await stores[1].FindRefreshTokenAsync("hash-1"))!.Used);
        Assert.Null(await stores[1].FindRefreshTokenAsync("no-such-hash"));

        Assert.False(await stores[2].IsTokenFamilyRevokedAsync("family-1"));
        await stores[2].RevokeTokenFamilyAsync("family-1");
        await stores[2].RevokeTokenFamilyAsync("family-1");
        Assert.True(await stores[3].IsTokenFamilyRevokedAsync("family-1"));
    }

    [Fact]
    public async Task A_refresh_token_reads_back_whole_and_only_a_stored_unused_one_can_be_used()
    {
        var store = OpenAccounts();
        var token = new RefreshToken("hash-2", "family-2", "ann", At, At.AddDays(30), Used: false);
        await store.StoreRefreshTokenAsync(token);
        await store.StoreRefreshTokenAsync(token with { TokenHash = "hash-3", Used = true });

        Assert.Equal(token, await store.FindRefreshTokenAsync("hash-2"));
        Assert.False(await store.UseRefreshTokenAsync("no-such-hash"));
        Assert.False(await store.UseRefreshTokenAsync("hash-3"));
        Assert.True(await store.UseRefreshTokenAsync("hash-2"));
        Assert.Equal(token with { Used = true }, await store.FindRefreshTokenAsync("hash-2"));
    }

    [Fact]
    public async Task Revoking_a_token_family_leaves_the_others_alone()
    {
        var store = OpenAccounts();
        await store.RevokeTokenFamilyAsync("family-a");
        Assert.True(await store.IsTokenFamilyRevokedAsync("family-a"));
        Assert.False(await store.IsTokenFamilyRevokedAsync("family-b"));
    }

    [Fact]
    public async Task Revoked_access_tokens_are_read_once_after_their_cursor_by_every_instance_and_expired_ones_not_at_all()
    {
        var writer = OpenAccounts();
        var reader = OpenAccounts();
        var live = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()); // stores keep whole seconds
        var first = await reader.ReadRevokedTokensAfterAsync(0);
        Assert.Empty(first.Tokens);

        await writer.RevokeAccessTokenAsync(new("jti-1", live));
        await writer.RevokeAccessTokenAsync(new("jti-1", live));
        await writer.RevokeAccessTokenAsync(new("jti-expired", DateTimeOffset.UtcNow.AddMinutes(-5)));
        var second = await reader.ReadRevokedTokensAfterAsync(first.Cursor);
        Assert.Equal([new RevokedToken("jti-1", live)], second.Tokens);

        Assert.Empty((await reader.ReadRevokedTokensAfterAsync(second.Cursor)).Tokens);
        await writer.RevokeAccessTokenAsync(new("jti-2", live));
        var third = await reader.ReadRevokedTokensAfterAsync(second.Cursor);
        Assert.Equal(["jti-2"], third.Tokens.Select(t => t.TokenId));
        Assert.Equal(["jti-1", "jti-2"], (await OpenAccounts().ReadRevokedTokensAfterAsync(0)).Tokens.Select(t => t.TokenId).Order());
    }

    [Fact]
    public async Task Clients_are_created_once_and_found_by_id()
    {
        var store = OpenAccounts();
        var client = new IntegratorClient("crm", "CRM", "secret-hash", ["messages:send"], ["alice", "bob"], DateTimeOffset.UtcNow);
        Assert.True(await store.TryCreateClientAsync(client));
        Assert.False(await store.TryCreateClientAsync(client with { Name = "Other" }));
        var found = await store.FindClientAsync("crm");
        Assert.Equal(("CRM", "secret-hash"), (found!.Name, found.SecretHash));
        Assert.Equal(["messages:send"], found.Scopes);
        Assert.Equal(["alice", "bob"], found.ActAs);
    }

    [Fact]
    public async Task A_client_for_any_user_keeps_its_scopes_in_order_and_an_unknown_id_is_no_client()
    {
        var store = OpenAccounts();
        Assert.True(await store.TryCreateClientAsync(new IntegratorClient("ops", "Ops", "h", ["messages:send", "channels:write", "webhooks:write"], ["*"], At)));

        var found = await store.FindClientAsync("ops");
        Assert.NotNull(found);
        Assert.Equal(["messages:send", "channels:write", "webhooks:write"], found.Scopes);
        Assert.Equal(["*"], found.ActAs);
        Assert.Equal(At, found.CreatedAt);
        Assert.Null(await store.FindClientAsync("no-such-client"));
    }

    public void Dispose() => Data.Dispose();
}

public sealed class SqliteAccountStoreTests : AccountStoreContract;

public sealed class EtcdAccountStoreTests : AccountStoreContract
{
    // Each test its own key space in the shared etcd.
    private readonly string _prefix = $"/chat-test-{Guid.NewGuid():N}/";

    protected override IDictionary<string, string?> Settings => TestServers.EtcdMetadata(_prefix);
}
