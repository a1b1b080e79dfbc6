mod generated;
