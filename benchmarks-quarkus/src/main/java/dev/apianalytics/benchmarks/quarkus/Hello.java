package dev.apianalytics.benchmarks.quarkus;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The hello world: {@code /hello} and the {@code /hello/{id}} paths that the load's variety sends. */
@Path("/hello")
@Produces(MediaType.TEXT_PLAIN)
public class Hello {

    static final String HELLO = "Hello, World!";

    @GET
    public String hello() {
        return HELLO;
    }

    @GET
    @Path("/{id}")
    public String helloId(@PathParam("id") String id) {
        return HELLO;
    }
}
