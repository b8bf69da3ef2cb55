using Chat.Router;
using Chat.Shared.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddRouter();

var app = builder.Build();
app.UseServiceDefaults();
app.RunOrExplain();
