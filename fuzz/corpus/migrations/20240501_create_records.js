exports.up = function (knex) {
  return knex.schema.createTable("records", (table) => {
    table.increments("id");
  });
};

exports.down = () => {
  // nothing
};
